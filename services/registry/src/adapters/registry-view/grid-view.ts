import type { Cell as WireCell, Officer as WireOfficer, Township as WireTownship } from '@ecogrid/proto/registry/v1/entities';
import type { LocateResult, RegistryView } from '@ecogrid/registry-view';
import type { GridLocation, GridView } from '../../app/locate-cell';
import type { Cell, Officer, Township } from '../../domain/entities';
import { cellFromWire, officerFromWire, townshipFromWire } from '../wire/registry-wire';

/** Maps each wire object to its domain form once, so an unchanged wire object keeps answering the same domain object. */
function memo<W extends object, D>(map: (value: W) => D): (value: W) => D {
  const known = new WeakMap<W, D>();
  return (value) => {
    let mapped = known.get(value);
    if (mapped === undefined) {
      mapped = map(value);
      known.set(value, mapped);
    }
    return mapped;
  };
}

/**
 * LocateCell's view of the grid over the registry view (the compacted topics, in memory). The view answers the
 * same wire objects until a change replaces them; mapping each once keeps that identity in the domain objects
 * too, which is what lets LocateCell reuse its answers and the gRPC adapter its encoded responses.
 */
export function createGridView(view: Pick<RegistryView, 'locate' | 'township' | 'onDutyOfficer' | 'supervisorOf' | 'gridChangedAt'>): GridView {
  const cell = memo<WireCell, Cell>(cellFromWire);
  const township = memo<WireTownship, Township>(townshipFromWire);
  const officer = memo<WireOfficer, Officer>(officerFromWire);
  const location = memo<LocateResult, GridLocation>((found) => ({
    cell: cell(found.cell),
    township: township(found.township),
    onDutyOfficer: found.onDutyOfficer && officer(found.onDutyOfficer),
    onDutySource: found.onDutySource,
  }));
  const optional = <W extends object, D>(map: (value: W) => D, value: W | undefined): D | undefined => (value === undefined ? undefined : map(value));
  return {
    get gridChangedAt() {
      return view.gridChangedAt;
    },
    locate: (lon, lat, at) => optional(location, view.locate(lon, lat, at)),
    township: (code) => optional(township, view.township(code)),
    onDutyOfficer: (cellId, at) => optional(officer, view.onDutyOfficer(cellId, at)),
    supervisorOf: (code) => optional(officer, view.supervisorOf(code)),
  };
}
