// Original file: protos/monitoring.proto


export interface MonitoringEndpoints {
  'metrics_url'?: (string);
  'prometheus_url'?: (string);
  'job'?: (string);
}

export interface MonitoringEndpoints__Output {
  'metrics_url': (string);
  'prometheus_url': (string);
  'job': (string);
}
