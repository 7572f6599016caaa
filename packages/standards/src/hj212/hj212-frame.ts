import { type Hj212Flag } from './flag';
import { type Hj212Version } from './hj212-options';

/**
 * The sub-fields of one monitored item in CP (HJ 212-2017 §6.3.3 and table 4), keyed by the suffix after the
 * factor code: `a34004-Avg=14` gives `{ Avg: '14' }`. Values stay strings exactly as sent (`'2.69700'`,
 * `'-0.041'`); parse them to decimals only where you compute. `//…//` texts (e.g. `i11001-Info`) are kept verbatim.
 */
export interface Hj212FactorFields {
  /** Real-time value. */
  Rtd?: string;
  /** Minimum / average / maximum over the interval. */
  Min?: string;
  Avg?: string;
  Max?: string;
  /** The same, as converted (折算) values, used against emission limits. */
  ZsRtd?: string;
  ZsMin?: string;
  ZsAvg?: string;
  ZsMax?: string;
  /** Cumulative emission over the interval. */
  Cou?: string;
  /** Data flag, table 8 (N, F, M, S, D, C, T, B). */
  Flag?: string;
  /** Instrument-defined extended flag. */
  EFlag?: string;
  /** Sampling time, YYYYMMDDhhmmss. */
  SampleTime?: string;
  /** Noise values. */
  Data?: string;
  DayData?: string;
  NightData?: string;
  /** Site information (table B.10), often `//text//`. */
  Info?: string;
  /** Instrument id. */
  SN?: string;
  /** Treatment-facility running state (SBxxx-RS: 0 off, 1 running, 2 calibrating, 3 maintenance, 4 alarm, 5 blowback). */
  RS?: string;
  /** Treatment-facility hours run in the day (SBxxx-RT). */
  RT?: string;
  [suffix: string]: string | undefined;
}

/** One `key=value` of CP, in the order sent. */
export interface Hj212CpField {
  key: string;
  value: string;
}

/** The data region (CP) of a frame (HJ 212-2017 §6.3.3). */
export interface Hj212Cp {
  /** `DataTime` (YYYYMMDDhhmmss): the sampling moment for 2011, the interval start for 2051/2061/2031. */
  dataTime: string | null;
  /** Items without a factor code: DataTime, RtdInterval, MinInterval, QnRtn, ExeRtn, PolId, BeginTime, … */
  params: Record<string, string>;
  /** Items `code-Suffix=value`, grouped by factor code (`a34004`, `w01018`, `SB1`, `i12001`, `LA`, …). */
  factors: Record<string, Hj212FactorFields>;
  /**
   * The CP text exactly as sent, between `CP=&&` and the closing `&&`. `encodeFrame` writes it verbatim when
   * present, so a parsed frame re-encodes byte for byte; `cpGroups(text)` gives its field-by-field layout.
   */
  text: string;
}

/** A frame that passed every check (HJ 212-2017 §6.3, tables 2–4). */
export interface Hj212Frame {
  /** Request number YYYYMMDDhhmmsszzz; `null` in 2005-style uploads that omit it. */
  qn: string | null;
  /** System code (table 5), e.g. `'22'` ambient air, `'32'` water source, `'91'` responses. */
  st: string;
  /** Command code (table 9), e.g. `'2011'` real-time data, `'9014'` data response. */
  cn: string;
  /** Access password. */
  pw: string;
  /** Device id. */
  mn: string;
  /** The Flag decoded, or `null` when omitted (2005 style). */
  flag: Hj212Flag | null;
  /** Protocol version: from the Flag's version bits, `'2005'` when there is no Flag. */
  version: Hj212Version;
  /** Total packets and this packet's number, when the D bit is set. */
  pnum: number | null;
  pno: number | null;
  /** `RF=1`: re-sent (补传) data, HJ 212-2025. */
  resend: boolean;
  cp: Hj212Cp;
  /** The declared data-segment length. */
  dataLength: number;
  /** The CRC as sent (its case preserved). */
  crc: string;
}
