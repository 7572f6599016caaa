import { describe, expect, it } from 'vitest';
import { peerAddress } from './peer-address';

describe('peerAddress', () => {
  it.each([
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['10.1.2.3', '10.1.2.3'],
    ['ipv4:10.1.2.3:50123', '10.1.2.3'],
    ['10.1.2.3:50123', '10.1.2.3'],
    ['[::1]:50123', '::1'],
    ['ipv6:[::ffff:10.1.2.3]:5', '10.1.2.3'],
    ['::1', '::1'],
    ['', undefined],
    [undefined, undefined],
  ])('%s is %s', (given, expected) => expect(peerAddress(given)).toBe(expected));
});
