import { describeScenarios } from '../support/scenario-suite.js';

describeScenarios('fl');
