// Original file: protos/monitoring.proto


export interface MonitoringEndpointsRequest {
}

export interface MonitoringEndpointsRequest__Output {
}
