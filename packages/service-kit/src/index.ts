export { baseConfig, booleanFlag, hostPort, LOG_LEVELS, parseConfig, schemaName, splitHostPort, type BaseConfig } from './base-config';
export { closeHttp, createAdminHttp, listenHttp, type AdminHttpOptions } from './admin-http';
export { conditionCheck, createDependencyHealth, DependencyDown, type DependencyCheck, type DependencyHealth, type HealthReport } from './dependency-health';
export { followHealth, type HealthFollower } from './follow-health';
export { consumerGroupName } from './consumer-group';
export { systemClock, type Clock } from './clock';
