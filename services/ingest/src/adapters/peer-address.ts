/**
 * The peer address as every throttle keys it, whatever the transport: no port, no scheme, no IPv4-mapped prefix
 * (node:net gives "::ffff:1.2.3.4", grpc-js "ipv4:1.2.3.4:5" or "[::1]:5").
 */
export function peerAddress(address: string | undefined): string | undefined {
  if (address === undefined || address === '') return undefined;
  let bare = address.replace(/^ipv[46]:/, '');
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(bare);
  if (bracketed) bare = bracketed[1] ?? bare;
  else {
    const withPort = /^([^:]+):\d+$/.exec(bare);
    if (withPort) bare = withPort[1] ?? bare;
  }
  return bare.startsWith('::ffff:') ? bare.slice('::ffff:'.length) : bare;
}
