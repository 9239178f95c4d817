package dev.rota.daemon.agents;

import dev.rota.agent.v1.AgentMessage;
import dev.rota.agent.v1.AgentServiceGrpc;
import dev.rota.agent.v1.DaemonMessage;
import dev.rota.daemon.loop.EngineLoop;
import io.grpc.stub.StreamObserver;

/** Serves {@code rota.agent.v1.AgentService}: one {@link AgentSession} per agent stream. */
public final class AgentEndpoint extends AgentServiceGrpc.AgentServiceImplBase {
    private final EngineLoop loop;
    private final AgentSessions sessions;

    public AgentEndpoint(EngineLoop loop, AgentSessions sessions) {
        this.loop = loop;
        this.sessions = sessions;
    }

    @Override
    public StreamObserver<AgentMessage> connect(StreamObserver<DaemonMessage> outbound) {
        return new AgentSession(outbound, loop, sessions);
    }
}
