import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { chooseHost, lanAddresses } from '../src/instructor/lan.js';

function ipv4(address: string, internal = false): NetworkInterfaceInfo {
  return {
    address,
    netmask: '255.255.255.0',
    family: 'IPv4',
    mac: '00:00:00:00:00:00',
    internal,
    cidr: `${address}/24`,
  };
}

describe('the LAN address the room listens on', () => {
  const interfaces = {
    lo: [ipv4('127.0.0.1', true)],
    tun0: [ipv4('100.64.3.2')],
    wlan0: [ipv4('192.168.10.23')],
    eth9: [ipv4('169.254.7.7')],
  };

  it('lists this machine’s addresses others can reach, private ones first, never loopback or link-local', () => {
    expect(lanAddresses(interfaces).map((a) => a.address)).toEqual(['192.168.10.23', '100.64.3.2']);
  });

  it('takes the first private address and names the others', () => {
    const choice = chooseHost(undefined, lanAddresses(interfaces));
    expect(choice).toMatchObject({ ok: true, host: { address: '192.168.10.23' } });
    if (choice.ok) expect(choice.others.map((a) => a.address)).toEqual(['100.64.3.2']);
  });

  it('takes --host only when it is one of them (never 0.0.0.0)', () => {
    expect(chooseHost('100.64.3.2', lanAddresses(interfaces))).toMatchObject({
      ok: true,
      host: { interfaceName: 'tun0' },
    });
    const wildcard = chooseHost('0.0.0.0', lanAddresses(interfaces));
    expect(wildcard.ok).toBe(false);
    if (!wildcard.ok) expect(wildcard.japanese).toContain('192.168.10.23(wlan0)');
  });

  it('says to join the venue network when there is no LAN address', () => {
    const choice = chooseHost(undefined, lanAddresses({ lo: [ipv4('127.0.0.1', true)] }));
    expect(choice.ok).toBe(false);
    if (!choice.ok) expect(choice.japanese).toContain('会場の Wi-Fi');
  });
});
