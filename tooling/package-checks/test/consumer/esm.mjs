import nodeCrypto from 'node:crypto';
import * as core from '@zhima/core';
import * as validator from '@zhima/validator';
import roundTrip from './round-trip.cjs';

console.log(JSON.stringify(await roundTrip({ core, validator, nodeCrypto })));
