import { createFakeLoginThrottle } from './fake-login-throttle';
import { describeLoginThrottleContract } from './login-throttle.contract';

describeLoginThrottleContract('use-case tests\' fake', (options) => createFakeLoginThrottle(options));
