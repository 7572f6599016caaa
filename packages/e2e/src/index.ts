export { startPlatform, ROOT, type Platform } from './platform';
