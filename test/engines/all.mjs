// Every behaviour test of the portable suite, in the order they run.
import './suite.mjs';
import './suite-collections.mjs';
import './suite-objects.mjs';
import './suite-gc.mjs';
