import { adoptKeyFromAddress, API_KEY_STORAGE, takeKeyFromHash } from '@/lib/client/api-key';
import { firstStartMessage, signInLink, signInOrigin } from '@/lib/server/first-start';

const KEY = 'frk_Abc-123_xyz';

describe('first-start sign-in link', () => {
  it('opens localhost when the server listens on every interface', () => {
    expect(signInOrigin({ port: 3000, hostname: '0.0.0.0' })).toBe('http://localhost:3000');
    expect(signInOrigin({ port: '8080', hostname: '::' })).toBe('http://localhost:8080');
    expect(signInOrigin({ port: 3000 })).toBe('http://localhost:3000');
  });

  it('uses the address the server is bound to, with brackets for IPv6', () => {
    expect(signInOrigin({ port: 3000, hostname: '127.0.0.1' })).toBe('http://127.0.0.1:3000');
    expect(signInOrigin({ port: 3000, hostname: 'facerec.lan' })).toBe('http://facerec.lan:3000');
    expect(signInOrigin({ port: 3000, hostname: '::1' })).toBe('http://[::1]:3000');
  });

  it('carries the key in the fragment, which browsers never send', () => {
    const link = new URL(signInLink(KEY, { port: 3000, hostname: '0.0.0.0' }));
    expect(link.pathname).toBe('/');
    expect(link.search).toBe('');
    expect(takeKeyFromHash(link.hash).key).toBe(KEY);
    expect(signInLink('frk_a+b/c', { port: 1 })).toBe('http://localhost:1/#key=frk_a%2Bb%2Fc');
  });

  it('prints the key and the link once each', () => {
    const message = firstStartMessage(KEY, { port: 3000, hostname: '0.0.0.0' });
    expect(message).toContain(`\n  ${KEY}\n`);
    expect(message).toContain(`\n  http://localhost:3000/#key=${KEY}\n`);
    expect(message.split(KEY)).toHaveLength(3);
  });
});

describe('sign-in fragment in the page', () => {
  it('splits the key off and keeps the rest of the fragment', () => {
    expect(takeKeyFromHash(`#key=${KEY}`)).toEqual({ key: KEY, hash: '' });
    expect(takeKeyFromHash(`#key=${KEY}&view=list`)).toEqual({ key: KEY, hash: '#view=list' });
    expect(takeKeyFromHash('#key=frk_a%2Bb')).toEqual({ key: 'frk_a+b', hash: '' });
    expect(takeKeyFromHash('#key=')).toEqual({ key: null, hash: '' });
  });

  it('leaves other fragments alone', () => {
    for (const hash of ['', '#', '#main', '#view=list']) expect(takeKeyFromHash(hash)).toEqual({ key: null, hash });
  });

  describe('adoptKeyFromAddress', () => {
    const stored = new Map<string, string>();
    let address: { pathname: string; search: string; hash: string };
    const replaced: { state: unknown; url: string }[] = [];

    beforeEach(() => {
      stored.clear();
      replaced.length = 0;
      const history = { state: { router: 'tree' }, replaceState: (state: unknown, _: string, url: string) => replaced.push({ state, url }) };
      const sessionStorage = {
        getItem: (k: string) => stored.get(k) ?? null,
        setItem: (k: string, v: string) => void stored.set(k, v),
        removeItem: (k: string) => void stored.delete(k),
      };
      Object.defineProperty(globalThis, 'window', {
        configurable: true,
        value: { get location() { return address; }, history, sessionStorage },
      });
    });
    afterEach(() => {
      delete (globalThis as { window?: unknown }).window;
    });

    it('stores the key in the tab and drops it from the address bar, keeping the router state', () => {
      address = { pathname: '/admin', search: '?tab=keys', hash: `#key=${KEY}` };
      expect(adoptKeyFromAddress()).toBe(KEY);
      expect(stored.get(API_KEY_STORAGE)).toBe(KEY);
      expect(replaced).toEqual([{ state: { router: 'tree' }, url: '/admin?tab=keys' }]);
    });

    it('does nothing without a key in the fragment', () => {
      stored.set(API_KEY_STORAGE, 'frk_earlier');
      address = { pathname: '/', search: '', hash: '#main' };
      expect(adoptKeyFromAddress()).toBeNull();
      expect(replaced).toEqual([]);
      expect(stored.get(API_KEY_STORAGE)).toBe('frk_earlier');
    });

    it('drops an empty key from the address without forgetting the stored one', () => {
      stored.set(API_KEY_STORAGE, 'frk_earlier');
      address = { pathname: '/people', search: '', hash: '#key=' };
      expect(adoptKeyFromAddress()).toBeNull();
      expect(replaced).toEqual([{ state: { router: 'tree' }, url: '/people' }]);
      expect(stored.get(API_KEY_STORAGE)).toBe('frk_earlier');
    });
  });
});
