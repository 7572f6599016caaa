import { useEffect, useRef, useState } from 'preact/hooks';
import * as L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { api, type CaseSummary } from './api';
import { formatTime, t } from './i18n';
import { onLive } from './live';

interface Position2 extends Array<number> {
  0: number;
  1: number;
}

export interface MapLayers {
  cells: Array<{ id: string; name: string; townshipCode: string; rings: Position2[][] }>;
  townships: Array<{ code: string; name: string; segments: Array<[Position2, Position2]> }>;
  devices: Array<{ mn: string; name: string; kind: string; lon: number; lat: number; cellId: string; townshipCode: string }>;
  targets: Array<{ id: string; name: string; kind: string; category: string; geometry: { type: string; coordinates: unknown } }>;
}

export interface DeviceState {
  mn: string;
  connection: 'online' | 'offline' | 'unknown';
  connectionSince: string | null;
  latestAt: string | null;
  latest: Array<{ factorCode: string; kind: string; value: number; unit: string; flag: string }>;
}

export interface CellPanel {
  duty: { cellId: string; cellName: string; townshipName: string; onDutyOfficer: { id: string; name: string } | null; supervisor: { id: string; name: string } | null };
  openCases: CaseSummary[];
}

const latLng = ([lon, lat]: Position2): L.LatLngTuple => [lat, lon];
const CELL_STYLE: L.PathOptions = { color: '#5b7a99', weight: 0.5, fillColor: '#dfe8f0', fillOpacity: 0.35 };
const DEVICE_STYLE: Record<DeviceState['connection'], L.PathOptions> = {
  online: { color: '#1b6e2d', fillColor: '#1b6e2d', fillOpacity: 0.9 },
  // Offline devices are hollow and grey, and their tooltip says so: colour is not the only sign.
  offline: { color: '#6c757d', fillColor: '#ffffff', fillOpacity: 1 },
  unknown: { color: '#0b5cad', fillColor: '#0b5cad', fillOpacity: 0.5 },
};

/** Tooltip content as text: Leaflet puts a string in as markup, and names and values come from outside. */
function textContent(text: string): HTMLElement {
  const element = document.createElement('div');
  element.className = 'map-tooltip';
  element.textContent = text;
  return element;
}

/** A device's tooltip: name, MN, online state in words and its newest values with their data time. */
function deviceTooltip(name: string, mn: string, state: DeviceState | undefined): HTMLElement {
  const connection = t(`map.${state?.connection ?? 'unknown'}`);
  const values = (state?.latest ?? []).map((value) => `${value.factorCode}${value.kind && value.kind !== 'rtd' ? ` ${value.kind.toUpperCase()}` : ''} ${value.value} ${value.unit}${value.flag && value.flag !== 'N' ? ` (${value.flag})` : ''}`);
  return textContent([`${name} · ${mn} · ${connection}`, ...(state?.latestAt ? [`${t('map.latest')} ${formatTime(state.latestAt)}`, ...values] : [t('map.noValues')])].join('\n'));
}

const ALERT_STYLE: L.PathOptions = { color: '#a4161a', weight: 1.5, fillColor: '#e5383b', fillOpacity: 0.55, dashArray: '4 2' };

/**
 * The grid of Yanhu without any tile layer (there is no internet): cells, township outlines, devices and targets
 * as vector layers on a canvas; cells with an open alert are filled red and dashed (colour is not the only sign),
 * and listed. A cell is chosen by clicking it or by typing its id.
 */
export function MapPage(props: { focusCellId?: string | undefined; focusDeviceMn?: string | undefined }) {
  const container = useRef<HTMLDivElement>(null);
  const [panel, setPanel] = useState<CellPanel | undefined>();
  const [cellQuery, setCellQuery] = useState('');
  const [alerting, setAlerting] = useState<string[]>([]);
  const [message, setMessage] = useState('');
  const cellLayers = useRef(new Map<string, L.Polygon>());
  const alertingCells = useRef(new Set<string>());
  const deviceMarkers = useRef(new Map<string, { marker: L.CircleMarker; name: string; state: DeviceState | undefined }>());

  const showCell = async (cellId: string) => {
    setMessage('');
    try {
      setPanel((await api.get<CellPanel>(`/cells/${encodeURIComponent(cellId)}`)) ?? undefined);
    } catch {
      setPanel(undefined);
      setMessage(`${t('cell')} ${cellId}: ${t('notFound')}`);
    }
  };

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const map = L.map(element, { preferCanvas: true, attributionControl: false, zoomSnap: 0.25 });
    const renderer = L.canvas({ padding: 0.2 });
    let stopped = false;
    const restyle = (cellId: string) => cellLayers.current.get(cellId)?.setStyle(alertingCells.current.has(cellId) ? ALERT_STYLE : CELL_STYLE);
    const markAlert = (cellId: string, open: boolean) => {
      if (!cellId) return;
      if (open) alertingCells.current.add(cellId);
      else alertingCells.current.delete(cellId);
      restyle(cellId);
      setAlerting([...alertingCells.current].sort());
    };
    const load = async () => {
      const started = performance.now();
      const [layers, alerts, deviceStates] = await Promise.all([
        api.get<MapLayers>('/map/layers'),
        api.alerts(true).catch(() => ({ alerts: [] })),
        api.get<{ devices: DeviceState[] }>('/devices/state').catch(() => ({ devices: [] })),
      ]);
      if (stopped) return;
      const drawStarted = performance.now();
      for (const alert of alerts.alerts) if (alert.state !== 'cleared') alertingCells.current.add(alert.cellId);
      const cellGroup = L.featureGroup();
      for (const cell of layers.cells) {
        const polygon = L.polygon(cell.rings.map((ring) => ring.map(latLng)), { ...(alertingCells.current.has(cell.id) ? ALERT_STYLE : CELL_STYLE), renderer });
        polygon.bindTooltip(() => textContent(`${cell.name} (${cell.id})`), { sticky: true });
        polygon.on('click', () => void showCell(cell.id));
        cellLayers.current.set(cell.id, polygon);
        cellGroup.addLayer(polygon);
      }
      const townships = L.featureGroup(
        layers.townships.map((township) =>
          L.polyline(township.segments.map((segment) => segment.map(latLng)), { color: '#12324f', weight: 2, renderer, interactive: false }),
        ),
      );
      const stateOf = new Map(deviceStates.devices.map((state) => [state.mn, state]));
      const devices = L.featureGroup(
        layers.devices.map((device) => {
          const state = stateOf.get(device.mn);
          const marker = L.circleMarker([device.lat, device.lon], { radius: 4, weight: 1, ...DEVICE_STYLE[state?.connection ?? 'unknown'], renderer }).bindTooltip(deviceTooltip(device.name, device.mn, state), { className: 'device-tooltip' });
          deviceMarkers.current.set(device.mn, { marker, name: device.name, state });
          return marker;
        }),
      );
      element.dataset.devicesOnline = String(deviceStates.devices.filter((state) => state.connection === 'online').length);
      const byCategory = (category: string, color: string) =>
        L.geoJSON(
          { type: 'FeatureCollection', features: layers.targets.filter((target) => target.category === category).map((target) => ({ type: 'Feature', properties: { name: target.name }, geometry: target.geometry })) } as GeoJSON.FeatureCollection,
          {
            style: { color, weight: 1, fillOpacity: 0.25 },
            pointToLayer: (_feature, at) => L.circleMarker(at, { radius: 5, color, weight: 1, fillOpacity: 0.7, renderer }),
            onEachFeature: (feature, layer) => layer.bindTooltip(() => textContent(String((feature.properties as { name: string }).name))),
          },
        );
      cellGroup.addTo(map);
      townships.addTo(map);
      devices.addTo(map);
      const sensitive = byCategory('sensitive', '#2d6a4f').addTo(map);
      const risks = byCategory('risk_source', '#d9480f').addTo(map);
      L.control
        .layers(undefined, { [t('map.cells')]: cellGroup, [t('map.townships')]: townships, [t('map.devices')]: devices, [t('map.sensitive')]: sensitive, [t('map.risks')]: risks }, { collapsed: false })
        .addTo(map);
      const focus = props.focusCellId ? cellLayers.current.get(props.focusCellId) : undefined;
      const focusDevice = props.focusDeviceMn ? deviceMarkers.current.get(props.focusDeviceMn) : undefined;
      if (focusDevice) {
        map.setView(focusDevice.marker.getLatLng(), 15);
        focusDevice.marker.setStyle({ radius: 8, weight: 3, color: '#f0a500' });
        focusDevice.marker.openTooltip();
      } else if (props.focusDeviceMn) {
        setMessage(`${t('device')} ${props.focusDeviceMn}: ${t('notFound')}`);
        map.fitBounds(cellGroup.getBounds());
      } else if (focus) {
        map.fitBounds(focus.getBounds(), { maxZoom: 14 });
        focus.setStyle({ weight: 3, color: '#f0a500' });
        void showCell(props.focusCellId ?? '');
      } else {
        map.fitBounds(cellGroup.getBounds());
      }
      setAlerting([...alertingCells.current].sort());
      // Drawn when the browser has painted the canvas once after the layers were added.
      requestAnimationFrame(() => {
        element.dataset.cellsDrawn = String(layers.cells.length);
        element.dataset.townships = String(layers.townships.length);
        element.dataset.drawMs = String(Math.round(performance.now() - started));
        // From the layers in hand to their first paint: what the map itself costs, without the network.
        element.dataset.renderMs = String(Math.round(performance.now() - drawStarted));
      });
    };
    load().catch(() => setMessage(t('failed')));
    const stopLive = onLive('alert', (data) => markAlert(String(data.cellId ?? ''), data.state !== 'cleared'));
    // Changes after the snapshot: a connection change or a newer observation replaces the device's state.
    const stopDevices = onLive('device', (data) => {
      const device = deviceMarkers.current.get(String(data.mn ?? ''));
      if (!device) return;
      const state = data as unknown as DeviceState;
      device.state = state;
      if (data.aspect === 'connection') device.marker.setStyle(DEVICE_STYLE[state.connection]);
      device.marker.setTooltipContent(deviceTooltip(device.name, state.mn, state));
    });
    return () => {
      stopped = true;
      stopLive();
      stopDevices();
      map.remove();
    };
  }, [props.focusCellId, props.focusDeviceMn]);

  return (
    <section class="map-page" aria-label={t('map')}>
      <div class="map" ref={container} data-testid="map" />
      <aside class="map-side">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (cellQuery.trim()) void showCell(cellQuery.trim());
          }}
        >
          <label>
            {t('map.findCell')}
            <input name="cell" value={cellQuery} onInput={(event) => setCellQuery(event.currentTarget.value)} placeholder="YH0001" />
          </label>
          <button type="submit">{t('map.show')}</button>
        </form>
        {message && <p role="alert" class="error">{message}</p>}
        {panel && (
          <div class="cell-panel" data-testid="cell-panel">
            <h2>
              {panel.duty.cellName} ({panel.duty.cellId})
            </h2>
            <p>{panel.duty.townshipName}</p>
            <p>
              {t('map.onDuty')}: <span data-testid="on-duty">{panel.duty.onDutyOfficer ? `${panel.duty.onDutyOfficer.name} (${panel.duty.onDutyOfficer.id})` : '—'}</span>
            </p>
            <p>
              {t('map.supervisor')}: {panel.duty.supervisor ? `${panel.duty.supervisor.name} (${panel.duty.supervisor.id})` : '—'}
            </p>
            <h3>{t('map.openCases')}</h3>
            {panel.openCases.length === 0 && <p>{t('noCases')}</p>}
            <ul>
              {panel.openCases.map((item) => (
                <li key={item.id}>
                  <a href={`#/cases/${encodeURIComponent(item.id)}`}>{item.title || item.id}</a> · {t(`status.${item.status}`)}
                </li>
              ))}
            </ul>
          </div>
        )}
        <h3>{t('map.alertingCells')}</h3>
        <ul class="alerting-cells" data-testid="alerting-cells">
          {alerting.map((cellId) => (
            <li key={cellId}>
              <button type="button" class="link" onClick={() => void showCell(cellId)}>
                ⚠ {cellId}
              </button>
            </li>
          ))}
        </ul>
      </aside>
    </section>
  );
}
