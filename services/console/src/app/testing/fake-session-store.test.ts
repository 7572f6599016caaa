import { createFakeSessionStore } from './fake-session-store';
import { describeSessionStoreContract } from './session-store.contract';

describeSessionStoreContract('use-case tests\' fake', (options) => createFakeSessionStore(options));
