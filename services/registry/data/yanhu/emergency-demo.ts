/**
 * Demo data for the emergency service's water-source incident (issue 17 item 5), kept apart from the rest of the
 * generator: one automatic water-quality station inside the 一级 protection zone of 东孙坞 (the district's one
 * surface-water source, plan §2.1.2), on the demo's 姚暹渠 polyline (services/emergency/data/rivers.geojson).
 * Limits are GB 3838-2002 class III, the usual target of a surface-water drinking source (COD 20, NH3-N 1.0,
 * TP 0.2 mg/L). Fixed MN and password — drawn from no random stream — so adding it changes no other generated value.
 */
export const EMERGENCY_DEMO_DEVICE_ROWS: Array<Array<string | number | boolean>> = [
  ['140802SZ0200000000000D01', '东孙坞饮用水源地水质自动站', 'water_station', 111.06115, 34.99599, '', '', 'w01018:mg/L:20;w21003:mg/L:1;w21011:mg/L:0.2;w01001:;w01009:mg/L;w01010:C', 'D5W01A', 2017, false, true, '21'],
];
