import type { DeadlinePolicy } from './deadline-policy';

/** An Open311 GeoReport v2 service: what the public can report through 12369. */
export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: false;
  type: 'realtime';
  keywords: string;
  group: string;
}

/** Case types the public may report, with what they cover (the service code is the case type). */
const PUBLIC_SERVICES: Record<string, { description: string; keywords: string }> = {
  air_pollution: { description: '工业废气、锅炉黑烟、露天焚烧等大气污染', keywords: '废气,黑烟,大气' },
  water_pollution: { description: '偷排污水、河湖水体发黑发臭等水污染', keywords: '污水,偷排,水体' },
  noise: { description: '工业、建筑施工、社会生活噪声扰民', keywords: '噪声,施工' },
  dust: { description: '工地、道路、堆场扬尘', keywords: '扬尘,工地' },
  odour: { description: '恶臭、异味', keywords: '异味,臭味' },
  solid_waste: { description: '固体废物乱堆乱倒', keywords: '垃圾,固废' },
  hazardous_waste: { description: '危险废物非法处置、倾倒', keywords: '危废,化学品' },
  straw_burning: { description: '秸秆、垃圾露天焚烧', keywords: '秸秆,焚烧' },
  other: { description: '其他生态环境问题', keywords: '其他' },
};

export function open311Services(policy: DeadlinePolicy): Open311Service[] {
  return Object.entries(PUBLIC_SERVICES)
    .filter(([code]) => policy.caseTypes[code] !== undefined)
    .map(([code, service]) => ({
      service_code: code,
      service_name: policy.caseTypes[code]?.label ?? code,
      description: service.description,
      metadata: false,
      type: 'realtime',
      keywords: service.keywords,
      group: '12369 环保举报',
    }));
}
