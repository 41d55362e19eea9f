import { isIPv6 } from 'node:net';

/**
 * The network a client address stands for when counting what a client does: an IPv4 address
 * itself, and for IPv6 its /64, since one client usually holds a whole /64 and could otherwise
 * rotate through it. Shared by the request limits (G4) and the log-in challenge (F2).
 */
export function clientNetwork(ip: string): string {
  if (!isIPv6(ip) || ip.includes('.')) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
