export { StandardsError } from './standards-error';
export { crc16Hj212, formatCrc } from './hj212/crc16';
export { decodeFlag, encodeFlag, type Hj212Flag } from './hj212/flag';
export { Hj212FrameError, Hj212EncodeError, type Hj212ReasonCode } from './hj212/hj212-error';
export { MN_MAX_LENGTH, mnProblem } from './hj212/mn-rule';
export { HJ212_STRICT, HJ212_TOLERANT, hj212Options, type Hj212Options, type Hj212Version } from './hj212/hj212-options';
export type { Hj212Frame, Hj212Cp, Hj212CpField, Hj212FactorFields } from './hj212/hj212-frame';
export { cpGroups } from './hj212/parse-cp';
export { emissionValue, hj212TimeToIso, type Hj212Statistic } from './hj212/factor-values';
export { parseFrame, tryParseFrame, type Hj212ParseResult, type Hj212OptionsInput } from './hj212/parse-frame';
export { encodeFrame, encodeFrameToString, buildDataSegment, type Hj212FrameInput, type Hj212CpInput, type Hj212EncodeOptions } from './hj212/encode-frame';
export {
  CP_ENCRYPTION_ANNEX_A2,
  SM4_KEY_BYTES,
  MAX_ENCRYPTED_FRAME_BYTES,
  isEncryptedCommand,
  encryptCpText,
  decryptCpText,
  encodeEncryptedFrame,
  openEncryptedFrame,
  type CpEncryption,
  type OpenedFrame,
} from './hj212/cp-encryption';
export { FrameDecoder, type CpEncryptionLookup, type FrameDecoderOptions, type Hj212DecodeResult, type Hj212DecodedFrame, type Hj212RejectedBytes } from './hj212/frame-decoder';
export { dataResponse, notificationResponse, requestResponse, executionResponse, platformReplyFor, responseFlag, type Hj212Answered } from './hj212/replies';
export { QN_RTN, EXE_RTN, DATA_FLAGS_2017, DATA_FLAGS_2005, FACILITY_RUNNING_STATE, type QnRtn, type ExeRtn, type CodeMeaning } from './hj212/return-codes';
export { SYSTEM_CODES } from './hj212/system-codes';
export { COMMAND_CODES, DATA_UPLOAD_COMMANDS, STATION_NOTIFICATION_COMMANDS, type CommandCode, type CommandKind } from './hj212/command-codes';
export { chinaCalendarDay, EffectiveDateError } from './effective-date';
export { type AqiVersion, type AqiReport, type AqiPollutant, type AqiIndicator, type AboveScalePolicy } from './aqi/aqi-types';
export { breakpointsFor, IAQI_LEVELS, REPORT_INDICATORS } from './aqi/breakpoints';
export { AQI_CATEGORIES, aqiCategory, type AqiCategory } from './aqi/aqi-category';
export { aqiVersionFor, HJ633_2026_EFFECTIVE } from './aqi/aqi-version';
export { computeIaqi, AqiInputError, type IaqiInput, type IaqiResult, type IaqiRule } from './aqi/compute-iaqi';
export { computeAqi, type AqiInput, type AqiResult } from './aqi/compute-aqi';
export {
  GB3095_2012,
  GB3095_2026_TRANSITION,
  GB3095_2026_FINAL,
  GB3095_2026_EFFECTIVE,
  GB3095_2026_FINAL_FROM,
  ambientLimits,
  type AmbientLimit,
  type AmbientStandard,
  type AmbientPhase,
  type AmbientPollutant,
  type AveragingPeriod,
} from './ambient/gb3095-limits';
export { assessAmbient, ambientStandardFor, AmbientInputError, type AmbientAssessmentInput, type AmbientAssessment } from './ambient/assess-ambient';
export { GB3838_LIMITS, TP_LAKE_LIMITS, type SurfaceWaterFactor, type SurfaceWaterLimit } from './water/gb3838-limits';
export {
  classifySurfaceWater,
  WaterInputError,
  WATER_CLASS_NAMES,
  WATER_CLASS_STATUS,
  type WaterClass,
  type SurfaceWaterInput,
  type SurfaceWaterClassification,
  type FactorClassification,
} from './water/classify-surface-water';
export { validateUscc, usccCheckCharacter, type UsccValidation, type UsccFailure } from './uscc/validate-uscc';
export { POLLUTANTS, findPollutant, toCode2017, categoryOfCode, type Pollutant, type PollutantCategory } from './pollutants/catalogue';
