export type {
  Areal,
  BBox,
  Geometry,
  GeometryProblem,
  LineStringGeometry,
  MultiPointGeometry,
  MultiPolygonGeometry,
  PointGeometry,
  PolygonCoordinates,
  PolygonGeometry,
  Position,
  Ring,
} from './types';
export { parseGeometry, parseGeometryText, type ParseGeometryResult } from './geojson';
export { arealBBox, pointInAreal, pointInPolygon, pointInRing, polygonsOf, ringsBBox } from './point-in-polygon';
export { arealAreaM2, polygonAreaM2, ringAreaM2, signedRingArea } from './area';
export { validateAreal, validatePolygon } from './polygon-validity';
export { findOverlaps, interiorPoint, polygonsOverlap, type ArealItem, type Overlap } from './overlaps';
export { traceCoverage, type Coverage, type CoverageGap } from './coverage';
export { distanceToGeometryM, haversineM, metresPerDegree } from './distance';
export { createBruteForceLocator, createPolygonIndex, type PolygonIndex } from './polygon-index';
