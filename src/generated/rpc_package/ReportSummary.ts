// Original file: protos/report.proto


export interface ReportSummary {
  'message'?: (string);
  'readings'?: (number);
  'mean'?: (number | string);
}

export interface ReportSummary__Output {
  'message': (string);
  'readings': (number);
  'mean': (number);
}
