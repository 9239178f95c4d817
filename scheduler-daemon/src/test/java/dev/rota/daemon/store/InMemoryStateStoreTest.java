package dev.rota.daemon.store;

class InMemoryStateStoreTest extends StateStoreContract {
    @Override
    StateStore store() {
        return new InMemoryStateStore();
    }
}
