import { type CodeMeaning } from './return-codes';

/**
 * System codes ST (HJ 212-2017 §6.6.1 table 5). 10–29 environmental quality, 30–49 pollution sources, 50–69
 * process monitoring, 91–99 system interaction, A0–Z9 extension. Unknown codes are legal (vendors use private
 * ones): look them up, never reject on them.
 */
export const SYSTEM_CODES: Readonly<Record<string, CodeMeaning>> = {
  '21': { zh: '地表水质量监测', en: 'surface-water quality' },
  '22': { zh: '空气质量监测', en: 'ambient air quality' },
  '23': { zh: '声环境质量监测', en: 'acoustic-environment quality' },
  '24': { zh: '地下水质量监测', en: 'groundwater quality' },
  '25': { zh: '土壤质量监测', en: 'soil quality' },
  '26': { zh: '海水质量监测', en: 'seawater quality' },
  '27': { zh: '挥发性有机物监测', en: 'volatile organic compounds' },
  '31': { zh: '大气环境污染源', en: 'air pollution source' },
  '32': { zh: '地表水体环境污染源', en: 'surface-water pollution source' },
  '33': { zh: '地下水体环境污染源', en: 'groundwater pollution source' },
  '34': { zh: '海洋环境污染源', en: 'marine pollution source' },
  '35': { zh: '土壤环境污染源', en: 'soil pollution source' },
  '36': { zh: '声环境污染源', en: 'noise source' },
  '37': { zh: '振动环境污染源', en: 'vibration source' },
  '38': { zh: '放射性环境污染源', en: 'radioactive source' },
  '39': { zh: '工地扬尘污染源', en: 'construction-site dust source' },
  '41': { zh: '电磁环境污染源', en: 'electromagnetic source' },
  '51': { zh: '烟气排放过程监控', en: 'flue-gas emission process' },
  '52': { zh: '污水排放过程监控', en: 'wastewater discharge process' },
  '91': { zh: '系统交互', en: 'system interaction' },
};
