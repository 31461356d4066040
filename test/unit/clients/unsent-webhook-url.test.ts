import { expect } from 'chai';
import { RegisterClientUseCase } from '../../../src/application/clients/register-client.use-case.js';
import { UpdateClientUseCase } from '../../../src/application/clients/update-client.use-case.js';
import type { WebhookSendingSettings } from '../../../src/application/settings.js';
import { InMemoryClientRepository } from '../../fakes/in-memory-client-repository.js';
import { recordingLogger } from '../../support/recording-logger.js';

const RECEIVER = 'https://hooks.example.com/in/receiver-path-token-abc';
const acme = { slug: 'acme', name: 'Acme', apiBaseUrl: 'https://acme.helpdesk.example/api/v1', apiToken: 'acme-token' };

function makeSut(sending: WebhookSendingSettings) {
  const clients = new InMemoryClientRepository();
  const logger = recordingLogger();
  return { logger, register: new RegisterClientUseCase(clients, sending, logger), update: new UpdateClientUseCase(clients, sending, logger) };
}

const warnings = (logger: ReturnType<typeof recordingLogger>) => logger.lines.filter((line) => line.level === 'warn');

describe('A client webhookUrl in a process without WEBHOOK_SECRET', () => {
  it('when a client is registered or given a webhookUrl there, then the log warns it is sent only by workers with a secret, naming the client, never the URL', async () => {
    const { register, update, logger } = makeSut({ signs: false, serviceUrl: null });

    await register.execute({ ...acme, webhookUrl: RECEIVER });
    await register.execute({ ...acme, slug: 'globex' });
    await update.execute('globex', { webhookUrl: RECEIVER });

    expect(warnings(logger).map((line) => line.fields.client)).to.deep.equal(['acme', 'globex']);
    expect(warnings(logger)[0]!.message).to.include('WEBHOOK_SECRET');
    expect(JSON.stringify(logger.lines)).to.not.include('receiver-path-token-abc');
  });

  it('when the process signs, or the change is not about the webhookUrl, then nothing is warned', async () => {
    const signing = makeSut({ signs: true, serviceUrl: null });
    await signing.register.execute({ ...acme, webhookUrl: RECEIVER });
    const unsigned = makeSut({ signs: false, serviceUrl: null });
    await unsigned.register.execute(acme);
    await unsigned.update.execute('acme', { name: 'Acme Inc.' });

    expect(warnings(signing.logger)).to.deep.equal([]);
    expect(warnings(unsigned.logger)).to.deep.equal([]);
  });
});
