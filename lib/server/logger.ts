import pino from 'pino';
import { getConfig } from './config';

const globalKey = Symbol.for('facerec.logger');
type Holder = { [globalKey]?: pino.Logger };

/** The structured server log (JSON lines on stdout). 5xx details go here, never to clients. */
export function getLogger(): pino.Logger {
  const holder = globalThis as Holder;
  holder[globalKey] ??= pino({ level: getConfig().LOG_LEVEL, base: { service: 'facerec' } });
  return holder[globalKey];
}
