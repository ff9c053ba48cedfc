import { test } from 'node:test';
import { data, mlp, setup } from '../test/helpers/setup.js';
import { OneLoggerTfjsCallback } from '../src/index.js';
test('x', () => { void data; void mlp; void setup; void OneLoggerTfjsCallback; });
