import { MemoryStore } from '../../../src/store/memory-store';
import { describeStoreConformance } from '../../conformance/store-conformance';

describeStoreConformance('memory', async () => ({ store: new MemoryStore(), cleanup: async () => undefined }));
