import { networkInterfaces } from 'node:os';

/** An IPv4 address of this machine that other machines can reach (not loopback). */
export interface LanAddress {
  address: string;
  interfaceName: string;
  /** 10/8, 172.16/12, 192.168/16: what a venue's Wi-Fi hands out. */
  private: boolean;
}

const PRIVATE = [/^10\./, /^172\.(1[6-9]|2\d|3[01])\./, /^192\.168\./];

/** This machine's LAN addresses, private ones first (a VPN's public address is rarely the venue's). */
export function lanAddresses(
  interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces(),
): LanAddress[] {
  const found: LanAddress[] = [];
  for (const [interfaceName, entries] of Object.entries(interfaces)) {
    for (const entry of entries ?? []) {
      if (entry.family !== 'IPv4' || entry.internal) continue;
      if (entry.address.startsWith('169.254.')) continue; // link-local: no DHCP, nobody reaches it
      found.push({
        address: entry.address,
        interfaceName,
        private: PRIVATE.some((pattern) => pattern.test(entry.address)),
      });
    }
  }
  return found.sort((a, b) => Number(b.private) - Number(a.private));
}

export type HostChoice =
  | { ok: true; host: LanAddress; others: LanAddress[] }
  | { ok: false; japanese: string; english: string };

/**
 * The address the room listens on: `--host` when given (it must be one of this
 * machine's LAN addresses: the room never listens on every interface), else the
 * first private one, the others listed so the instructor can choose.
 */
export function chooseHost(requested: string | undefined, addresses: LanAddress[]): HostChoice {
  const list = addresses.map((a) => `${a.address}(${a.interfaceName})`).join('、') || 'なし';
  if (requested !== undefined) {
    const host = addresses.find((a) => a.address === requested);
    if (!host) {
      return {
        ok: false,
        japanese: `--host ${requested} はこの PC の LAN のアドレスではありません。使えるアドレス: ${list}`,
        english: `--host ${requested} is not one of this machine's LAN addresses: ${list}`,
      };
    }
    return { ok: true, host, others: addresses.filter((a) => a !== host) };
  }
  const [host, ...others] = addresses;
  if (!host) {
    return {
      ok: false,
      japanese:
        'この PC に LAN のアドレスがありません。会場の Wi-Fi(またはネットワーク)に接続してから、もう一度実行してください。',
      english: 'this machine has no LAN address: connect to the venue network and run it again',
    };
  }
  return { ok: true, host, others };
}
