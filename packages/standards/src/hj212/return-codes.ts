/** A code of a table with its meaning in Chinese and English. */
export interface CodeMeaning {
  zh: string;
  en: string;
}

/** `QnRtn` request-response codes (HJ 212-2017 §6.6.4 table 7), carried in 9011. */
export const QN_RTN = {
  1: { zh: '准备执行请求', en: 'ready to execute' },
  2: { zh: '请求被拒绝', en: 'request rejected' },
  3: { zh: 'PW 错误', en: 'PW error' },
  4: { zh: 'MN 错误', en: 'MN error' },
  5: { zh: 'ST 错误', en: 'ST error' },
  6: { zh: 'Flag 错误', en: 'Flag error' },
  7: { zh: 'QN 错误', en: 'QN error' },
  8: { zh: 'CN 错误', en: 'CN error' },
  9: { zh: 'CRC 校验错误', en: 'CRC error' },
  100: { zh: '未知错误', en: 'unknown error' },
} as const satisfies Record<number, CodeMeaning>;

export type QnRtn = keyof typeof QN_RTN;

/** `ExeRtn` execution-result codes (HJ 212-2017 §6.6.3 table 6), carried in 9012. */
export const EXE_RTN = {
  1: { zh: '执行成功', en: 'success' },
  2: { zh: '执行失败，但不知道原因', en: 'failed, reason unknown' },
  3: { zh: '命令请求条件错误', en: 'request-condition error' },
  4: { zh: '通讯超时', en: 'communication timeout' },
  5: { zh: '系统繁忙不能执行', en: 'system busy' },
  6: { zh: '系统故障', en: 'system fault' },
  100: { zh: '没有数据', en: 'no data' },
} as const satisfies Record<number, CodeMeaning>;

export type ExeRtn = keyof typeof EXE_RTN;

/** Real-time data flags `xxxxxx-Flag` (HJ 212-2017 §6.6.6 table 8). */
export const DATA_FLAGS_2017 = {
  N: { zh: '在线监控（监测）仪器仪表工作正常', en: 'normal' },
  F: { zh: '在线监控（监测）仪器仪表停运', en: 'instrument stopped' },
  M: { zh: '在线监控（监测）仪器仪表处于维护期间产生的数据', en: 'maintenance' },
  S: { zh: '手工输入的设定值', en: 'manually entered set value' },
  D: { zh: '在线监控（监测）仪器仪表故障', en: 'instrument fault' },
  C: { zh: '在线监控（监测）仪器仪表处于校准状态', en: 'calibration' },
  T: { zh: '在线监控（监测）仪器仪表采样数值超过测量上限', en: 'above measurement upper limit' },
  B: { zh: '在线监控（监测）仪器仪表与数采仪通讯异常', en: 'DAU–instrument communication abnormal' },
} as const satisfies Record<string, CodeMeaning>;

/**
 * HJ/T 212-2005 data flags. From recollection of the 2005 text, not verified against it (STANDARDS.md §1.9):
 * use for display only.
 */
export const DATA_FLAGS_2005 = {
  P: { zh: '电源故障', en: 'power failure' },
  F: { zh: '排放源停运', en: 'source shut down' },
  C: { zh: '校验', en: 'calibration' },
  M: { zh: '维护', en: 'maintenance' },
  T: { zh: '超测上限', en: 'above upper limit' },
  D: { zh: '故障', en: 'fault' },
  S: { zh: '设定值', en: 'set value' },
  N: { zh: '正常', en: 'normal' },
} as const satisfies Record<string, CodeMeaning>;

/** Treatment-facility running state `SBxxx-RS` (HJ 212-2017 §6.3.3 table 4). */
export const FACILITY_RUNNING_STATE = {
  0: { zh: '关闭', en: 'off' },
  1: { zh: '运行', en: 'running' },
  2: { zh: '校准', en: 'calibrating' },
  3: { zh: '维护', en: 'maintenance' },
  4: { zh: '报警', en: 'alarm' },
  5: { zh: '反吹', en: 'blowback' },
} as const satisfies Record<number, CodeMeaning>;
