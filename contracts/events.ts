/** `source` of every Cirrus domain event on the bus; `detail-type` is the event name, e.g. contact.created. */
export const EVENT_SOURCE = 'cirrus.crm';
