import '../../core/test/helpers/records.js';
