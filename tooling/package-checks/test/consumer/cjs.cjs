/* eslint-disable @typescript-eslint/no-require-imports -- this consumer exists to load the packages with require() */
const nodeCrypto = require('node:crypto');
const core = require('@zhima/core');
const validator = require('@zhima/validator');
const roundTrip = require('./round-trip.cjs');

roundTrip({ core, validator, nodeCrypto }).then((result) => console.log(JSON.stringify(result)));
