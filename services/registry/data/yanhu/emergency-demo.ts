/**
 * Demo data for the emergency service's water-source incident (issue 17 item 5) and toxic-gas monitoring, kept apart
 * from the rest of the generator: one automatic water-quality station inside the 一级 protection zone of 东孙坞 (the district's one
 * surface-water source, plan §2.1.2), on the demo's 姚暹渠 polyline (services/emergency/data/rivers.geojson).
 * Limits are GB 3838-2002 class III, the usual target of a surface-water drinking source (COD 20, NH3-N 1.0,
 * TP 0.2 mg/L). Then a toxic-gas monitor (below). Fixed MNs and passwords — drawn from no random stream — so adding them changes no other generated value.
 */
export const EMERGENCY_DEMO_DEVICE_ROWS: Array<Array<string | number | boolean>> = [
  ['140802SZ0200000000000D01', '东孙坞饮用水源地水质自动站', 'water_station', 111.06115, 34.99599, '', '', 'w01018:mg/L:20;w21003:mg/L:1;w21011:mg/L:0.2;w01001:;w01009:mg/L;w01010:C', 'D5W01A', 2017, false, true, '21'],
  // A toxic-gas monitor (有毒有害气体监测点) at the fence of 运城市亚泰化工有限公司's hazardous-chemical store (RSK03, about
  // 100 m east of it): H2S, NH3 and Cl2 in mg/m³ with the levels the bureau watches registered as limits. Demo values
  // modelled on boundary limits (GB 14554-93 grade II for H2S 0.06 and NH3 1.5, GB 16297-1996 for Cl2 0.4 mg/m³, as
  // recalled — confirm against the texts); no ambient standard limits these gases. Alerting's toxic-gas-limit judges
  // them, the emergency service proposes a toxic-gas incident and watches the series for early warning.
  ['140802TG0300000000000D01', '亚泰化工危化品库有毒有害气体监测点', 'micro_air_station', 110.856, 35.0102, '', '', 'a21028:mg/m3:0.06;a21001:mg/m3:1.5;a21022:mg/m3:0.4;a01001:C;a01002:%', 'D5G03B', 2017, false, true, '22'],
];
