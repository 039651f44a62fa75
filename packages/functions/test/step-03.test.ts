import { callEndpointSuite } from './support/call-endpoint-suite.js';

callEndpointSuite('step-03');
