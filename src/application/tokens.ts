/** DI tokens of the ports and settings; every constructor parameter is injected by one of these. */
export const TOKENS = {
  TicketSource: Symbol('TicketSource'),
  ContactSource: Symbol('ContactSource'),
  CursorStore: Symbol('CursorStore'),
  ClientRepository: Symbol('ClientRepository'),
  TicketStore: Symbol('TicketStore'),
  ContactStore: Symbol('ContactStore'),
  JobRunStore: Symbol('JobRunStore'),
  JobScheduler: Symbol('JobScheduler'),
  JobHandlers: Symbol('JobHandlers'),
  ClientLock: Symbol('ClientLock'),
  UpstreamUsage: Symbol('UpstreamUsage'),
  Logger: Symbol('Logger'),
  ReadinessCheck: Symbol('ReadinessCheck'),
  ImportSettings: Symbol('ImportSettings'),
  JobSettings: Symbol('JobSettings'),
  Clock: Symbol('Clock'),
} as const;
