// Preloaded with `node --import` (bench:startup, loaded-modules.e2e-spec.ts): appends the URL of every module the
// process loads (CommonJS and ES modules alike, through Node's synchronous module hooks) to the
// file named by MODULE_RECORD_FILE.
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const file = process.env.MODULE_RECORD_FILE;

registerHooks({
  load(url, context, nextLoad) {
    appendFileSync(file, `${url}\n`);
    return nextLoad(url, context);
  },
});
