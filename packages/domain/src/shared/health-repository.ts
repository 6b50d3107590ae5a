import { BaseRepository } from "./base-repository.ts";

export class HealthRepository extends BaseRepository {
  async ping(): Promise<boolean> {
    try {
      await this.db.$queryRaw`SELECT 1`;
      return true;
    } catch {
      return false;
    }
  }
}
