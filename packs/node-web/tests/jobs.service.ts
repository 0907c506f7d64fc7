// The service the controller injects: its methods are on the request path through `this.jobs`.
export class JobsService {
  // ppa-context: library hot=true
  async findOne(id: string) {
    return { id };
  }

  // ppa-context: library hot=true
  async create() {
    return {};
  }

  // ppa-context: library hot=false             called from onModuleInit only
  async warm() {
    return null;
  }
}
