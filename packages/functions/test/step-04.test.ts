import { callEndpointSuite } from './support/call-endpoint-suite.js';

// Step 04 deploys step 03's Functions unchanged, next to the browser phone's assets.
callEndpointSuite('step-04');
