/** Request schemas: they are part of the wire contract (lib/contract/requests.ts); re-exported for the routes. */
export { createKeySchema, createPersonSchema, facesQuery, listPeopleQuery, updatePersonSchema } from '@/lib/contract/requests';
