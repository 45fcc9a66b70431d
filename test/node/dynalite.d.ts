// The part of dynalite's API the outcome store's tests use (dynalite ships no typings): an http.Server whose
// requests are DynamoDB's, in memory unless `path` names a LevelDB directory (node_modules/dynalite/index.js).
declare module 'dynalite' {
  import type { Server } from 'node:http';
  export default function dynalite(options?: {
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    path?: string;
  }): Server;
}
