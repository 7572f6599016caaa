import { type CodeMeaning } from './return-codes';

/** What a command is, from the platform's side (HJ 212-2017 §6.6.5 table 9). */
export type CommandKind = 'request' | 'upload' | 'notification' | 'response';

export interface CommandCode extends CodeMeaning {
  kinds: ReadonlyArray<CommandKind>;
  /** The version that introduced it: 2025 codes are from third-party code written against the 2025 text. */
  since: '2017' | '2025';
}

const c = (zh: string, en: string, kinds: CommandKind[], since: '2017' | '2025' = '2017'): CommandCode => ({ zh, en, kinds, since });

/**
 * Command codes CN (HJ 212-2017 §6.6.5 table 9, plus HJ 212-2025 additions marked `since: '2025'`, which are
 * third-party; STANDARDS.md §1.6).
 */
export const COMMAND_CODES: Readonly<Record<string, CommandCode>> = {
  '1000': c('设置超时时间及重发次数', 'set timeout and retries', ['request']),
  '1001': c('上传数采仪硬件序列号', 'upload DAU hardware serial', ['upload'], '2025'),
  '1002': c('设置数采仪 MN', 'set DAU MN', ['request'], '2025'),
  '1011': c('提取/上传现场机时间', 'get / upload field-machine time', ['request', 'upload']),
  '1012': c('设置现场机时间', 'set field-machine time', ['request']),
  '1013': c('现场机时间校准请求', 'time-calibration request', ['notification']),
  '1014': c('现场机获取新密钥 / 上位机下发新密钥', 'device asks for / platform sets a new SM4 key', ['request', 'notification'], '2025'),
  '1061': c('提取/上传实时数据间隔', 'get / upload real-time interval', ['request', 'upload']),
  '1062': c('设置实时数据间隔', 'set real-time interval', ['request']),
  '1063': c('提取/上传分钟数据间隔', 'get / upload minute interval', ['request', 'upload']),
  '1064': c('设置分钟数据间隔', 'set minute interval', ['request']),
  '1072': c('设置现场机访问密码', 'set access password', ['request']),
  '2011': c('取/上传污染物实时数据', 'real-time data', ['request', 'upload']),
  '2012': c('停止察看污染物实时数据', 'stop real-time data', ['notification']),
  '2013': c('原始监测数据', 'raw monitoring data', ['upload'], '2025'),
  '2021': c('取/上传设备运行状态数据', 'facility running state', ['request', 'upload']),
  '2022': c('停止察看设备运行状态', 'stop running state', ['notification']),
  '2031': c('取/上传污染物日历史数据', 'daily data', ['request', 'upload']),
  '2041': c('取/上传设备运行时间日历史数据', 'facility run-time daily data', ['request', 'upload']),
  '2051': c('取/上传污染物分钟数据', 'minute data', ['request', 'upload']),
  '2052': c('单次噪声测量数据', 'single noise measurement', ['upload'], '2025'),
  '2061': c('取/上传污染物小时数据', 'hourly data', ['request', 'upload']),
  '2062': c('自动标样核查数据', 'automatic standard-sample check data', ['upload'], '2025'),
  '2081': c('上传数采仪开机时间', 'DAU restart time', ['upload']),
  '2111': c('炉膛温度 5 分钟均值', 'furnace temperature 5-minute mean', ['upload'], '2025'),
  '3011': c('零点校准量程校准', 'zero / span calibration', ['request']),
  '3012': c('即时采样', 'immediate sampling', ['request']),
  '3013': c('启动清洗/反吹', 'cleaning / blowback', ['request']),
  '3014': c('比对采样', 'comparison sampling', ['request']),
  '3015': c('超标留样', 'over-limit sample retention', ['request', 'upload']),
  '3016': c('设置采样时间周期', 'set sampling period', ['request']),
  '3017': c('提取采样时间周期', 'get sampling period', ['request', 'upload']),
  '3018': c('提取出样时间', 'sample output time', ['request', 'upload']),
  '3019': c('提取设备唯一标识', 'instrument unique id', ['request', 'upload']),
  '3020': c('提取/上传现场机信息', 'field-machine information', ['request', 'upload']),
  '3021': c('设置现场机参数', 'set field-machine parameters', ['request']),
  '3022': c('即时留样', 'immediate sample retention', ['request'], '2025'),
  '3024': c('启动标样核查', 'start standard-sample check', ['request'], '2025'),
  '9011': c('请求应答', 'request response (QnRtn)', ['response']),
  '9012': c('执行结果', 'execution result (ExeRtn)', ['response']),
  '9013': c('通知应答', 'notification response', ['response']),
  '9014': c('数据应答', 'data response', ['response']),
  '9015': c('心跳包', 'heartbeat', ['notification'], '2025'),
};

/**
 * Station uploads that the platform acknowledges with 9014 when the Flag's A bit is set
 * (HJ 212-2017 §6.5 and Appendix C: 2011, 2021, 2031, 2041, 2051, 2061, 2081, 3015, 3019, 3020).
 */
export const DATA_UPLOAD_COMMANDS: ReadonlySet<string> = new Set(['2011', '2021', '2031', '2041', '2051', '2061', '2081', '3015', '3019', '3020']);

/**
 * Station frames that the platform acknowledges with 9013: the 1013 time-calibration request (HJ 212-2017
 * Appendix C), and under HJ 212-2025 the 9015 heartbeat, the 1001 hardware-serial registration and a device's 1014
 * asking for a new key (third-party sources, STANDARDS.md §9.2).
 */
export const STATION_NOTIFICATION_COMMANDS: ReadonlySet<string> = new Set(['1013', '9015', '1001', '1014']);
