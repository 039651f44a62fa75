// The types a step's Functions annotate their handler with, as global names, so a
// Function file needs no `import` (an import would turn its JavaScript into an ES
// module wrapper instead of the runtime's plain `exports.handler = function …`).
// They are Twilio's own (@twilio-labs/serverless-runtime-types), under the same names.
// Types only: nothing here is deployed or emitted.

/// <reference types="node" />
/// <reference types="@twilio-labs/serverless-runtime-types" />

type Context<Env = {}> = import('@twilio-labs/serverless-runtime-types/types').Context<Env>;
type ServerlessCallback = import('@twilio-labs/serverless-runtime-types/types').ServerlessCallback;
type ServerlessEventObject<
  Body = {},
  Headers = {},
  Cookies = {},
> = import('@twilio-labs/serverless-runtime-types/types').ServerlessEventObject<
  Body,
  Headers,
  Cookies
>;
type TwilioResponse = import('@twilio-labs/serverless-runtime-types/types').TwilioResponse;
