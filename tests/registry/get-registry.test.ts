/**
 * The app's registry singleton: opened once from the config, shared, reopened after close.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeRegistry, getRegistry } from '@/lib/registry';
import { expectRegistryError } from './contract.case';

describe('getRegistry', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facerec-singleton-'));
  const model = { modelId: 'singleton-model', dim: 64 };

  beforeAll(() => {
    // Read once by getConfig() on first use; this file's module registry is its own.
    process.env.FACEREC_DATA_DIR = dataDir;
    delete process.env.FACEREC_DATABASE_URL;
  });
  afterAll(async () => {
    await closeRegistry();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('opens one SQLite registry in the configured data folder and hands the same one to every caller', async () => {
    const [a, b] = await Promise.all([getRegistry(model), getRegistry(model)]);
    expect(a).toBe(b);
    expect([a.modelId, a.dim]).toEqual([model.modelId, model.dim]);
    expect(fs.existsSync(path.join(dataDir, 'facerec.db'))).toBe(true);
  });

  test('refuses a caller asking for another model', async () => {
    await getRegistry(model);
    await expectRegistryError(() => getRegistry({ modelId: 'other-model', dim: 64 }), 'invalid_input');
  });

  test('opens a fresh registry after closeRegistry, keeping what was written', async () => {
    const first = await getRegistry(model);
    const { person } = await first.addPerson({ name: 'Singleton' });
    await closeRegistry();
    await expectRegistryError(first.listPeople(), 'closed');
    const second = await getRegistry(model);
    expect(second).not.toBe(first);
    expect((await second.getPerson(person.id)).name).toBe('Singleton');
  });
});
