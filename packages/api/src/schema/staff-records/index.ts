/** Staff records (STAFF_PERSONAL, Azure 5.1): personnel records and references about staff. */
import './records';
import './personnel';
import './references';
