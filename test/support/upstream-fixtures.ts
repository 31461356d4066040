/** Upstream payloads shaped like docs/upstream-api.md, for nock'd upstreams. */
export function upstreamTicket(uuid: string, updatedAt: string, extra: Record<string, unknown> = {}) {
  return {
    uuid,
    protocol: `2026${uuid}`,
    subject: 'Pedido não entregue',
    status: 'open',
    channel: 'whatsapp',
    contactId: 'c-1',
    assignee: { id: 'u-7', name: 'Ana' },
    createdAt: '2026-11-20T09:00:00.000Z',
    updatedAt,
    closedAt: null,
    ...extra,
  };
}

export function upstreamMessage(id: string, ticketUuid: string, createdAt = '2026-11-28T12:29:59.004Z') {
  return { id, ticketUuid, direction: 'in', type: 'text', body: 'Olá, meu pedido não chegou 😕', mediaUrl: null, sender: { id: 'c-1', name: 'João' }, createdAt };
}

export function upstreamContact(id: string, tags: [string, string][]) {
  return {
    id,
    name: `Contato ${id}`,
    phone: '+5511999990000',
    email: `${id}@example.com`,
    tags: tags.map(([tagId, name]) => ({ id: tagId, name })),
    createdAt: '2026-01-02T08:00:00.000Z',
    updatedAt: '2026-11-27T18:00:00.000Z',
  };
}

export function page<T>(data: T[], pageNumber = 1, limit = 100) {
  return { data, meta: { page: pageNumber, limit, total: data.length, totalPages: 1 } };
}
