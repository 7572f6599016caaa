export { createReadingsProcessor, PartitionFencedError, type BatchResult, type ReadingRecord, type ReadingsProcessor } from './process-readings';
export { createListAlerts, type ListAlerts } from './list-alerts';
export { createGetStationAqi, type GetStationAqi } from './get-station-aqi';
export type * from './ports';
