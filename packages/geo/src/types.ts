/** WGS 84 `[longitude, latitude]` in degrees, as GeoJSON writes it. */
export type Position = [number, number];

/** A linear ring: closed (first position equals the last), at least four positions. */
export type Ring = Position[];

/** Polygon coordinates: the shell first, then holes. */
export type PolygonCoordinates = Ring[];

export interface PointGeometry {
  type: 'Point';
  coordinates: Position;
}

export interface MultiPointGeometry {
  type: 'MultiPoint';
  coordinates: Position[];
}

export interface LineStringGeometry {
  type: 'LineString';
  coordinates: Position[];
}

export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: PolygonCoordinates;
}

export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: PolygonCoordinates[];
}

/** The GeoJSON geometries the platform stores (no GeometryCollection, no MultiLineString). */
export type Geometry = PointGeometry | MultiPointGeometry | LineStringGeometry | PolygonGeometry | MultiPolygonGeometry;

export type Areal = PolygonGeometry | MultiPolygonGeometry;

/** `[minLon, minLat, maxLon, maxLat]`. */
export type BBox = [number, number, number, number];

/** A problem found in a geometry, with a stable code and where it is when that is known. */
export interface GeometryProblem {
  code:
    | 'not_geometry'
    | 'unsupported_type'
    | 'bad_coordinates'
    | 'coordinate_out_of_range'
    | 'ring_not_closed'
    | 'ring_too_short'
    | 'zero_area'
    | 'self_intersection'
    | 'hole_outside_shell'
    | 'rings_cross';
  message: string;
  at?: Position;
}
