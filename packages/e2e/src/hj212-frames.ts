import { connect } from 'node:net';
import { encodeFlag, encodeFrameToString, FrameDecoder, type Hj212Frame } from '@ecogrid/standards';
import { waitFor } from '@ecogrid/testkit';

/** An instant as HJ 212 writes a DataTime: China time, `yyyyMMddHHmmss`. */
export function chinaDigits(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3_600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * Writes frames on one new TCP connection to ingest and resolves with its replies once `expectedReplies` have come
 * (a 9014 means Kafka has the data), then closes the connection.
 */
export async function sendHj212Frames(port: number, frames: readonly string[], expectedReplies = frames.length): Promise<Hj212Frame[]> {
  const socket = connect(port, '127.0.0.1');
  const decoder = new FrameDecoder({ hj212: { mode: 'tolerant' } });
  const replies: Hj212Frame[] = [];
  socket.on('data', (chunk: Buffer) => {
    for (const result of decoder.push(chunk)) if (result.ok) replies.push(result.frame);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  for (const frame of frames) socket.write(frame);
  await waitFor(() => replies.length >= expectedReplies, { description: `${expectedReplies} replies from ingest` });
  socket.end();
  return replies;
}

/** A water station's real-time frame (2011) with ammonia nitrogen (w21003) and water temperature, asking for a 9014. */
export function ammoniaFrame(station: { mn: string; password: string }, at: Date, ammonia: number): string {
  const dataTime = chinaDigits(at);
  return encodeFrameToString({
    qn: `${dataTime}001`,
    st: '21',
    cn: '2011',
    pw: station.password,
    mn: station.mn,
    flag: encodeFlag({ version: '2017', needsAck: true }),
    cp: { text: `DataTime=${dataTime};w21003-Rtd=${ammonia},w21003-Flag=N;w01018-Rtd=12.0,w01018-Flag=N` },
  });
}
