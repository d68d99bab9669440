/**
 * The one interface the EC2 API uses to run instances. Two drivers implement it: `metadata`
 * (no processes; keys and console text only) and `real` (Linux namespaces, overlay disks,
 * cgroups, sshd). See README.md in this folder for how EC2 handlers are expected to call it.
 */

/** EC2's instance states (InstanceState.Name). */
export type MachineState = 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';

/** The layer id of the catalog images' base disk (Debian bookworm for the real driver). */
export const BASE_LAYER = 'base';

export interface MachineNetwork {
  /** Machines with the same vpcId share one virtual router (they can reach each other). */
  vpcId: string;
  /** Machines with the same subnetId share one L2 segment. */
  subnetId: string;
  /** The subnet's CIDR, e.g. `172.31.0.0/20`. */
  cidr: string;
  /** The subnet's router address (AWS: the subnet's first host, e.g. `172.31.0.1`). */
  gateway: string;
  /** The instance's private IPv4 address inside `cidr`. */
  privateIp: string;
}

export interface MachineSpec {
  instanceId: string;
  /** Image layers, lowest first: `[BASE_LAYER, ...layers returned by createImage]`. */
  layers: string[];
  /** From the instance type (t2.micro: 1 vCPU, 1024 MiB). */
  vcpus: number;
  memoryMiB: number;
  network: MachineNetwork;
  /** `ip-172-31-5-10` (what EC2 reports as the private DNS name's first label). */
  hostname: string;
  /** The image's login user: centos, admin, ubuntu, ec2-user. */
  defaultUser: string;
  /** The key pair's public key as one OpenSSH line (`ssh-rsa AAAA... name`), if any. */
  authorizedKey?: string;
  /** Raw (already base64-decoded) user data; run as root on first boot when it starts with `#!`. */
  userData?: Buffer;
  /** Where to expose the machine's port 22 on this host (a loopback address), if anywhere. */
  publicAddress?: { host: string; port: number };
}

export interface StateReason {
  /** EC2's StateReason.Code, e.g. `Client.UserInitiatedShutdown`, `Server.InternalError`. */
  code: string;
  message: string;
}

export interface StateChange {
  instanceId: string;
  state: MachineState;
  reason?: StateReason;
}

export type StateListener = (change: StateChange) => void;

/** What recover() found for one machine this driver knew before the restart. */
export interface RecoveredMachine {
  instanceId: string;
  state: MachineState;
}

export interface StartOptions {
  /** A new public address (EC2 gives a new public IP on every start), or null for none. */
  publicAddress?: { host: string; port: number } | null;
}

/**
 * The instance metadata service as a driver reaches it: a guest's HTTP request to
 * 169.254.169.254, with the instance it came from (EC2's IMDS handler answers it).
 */
export type MetadataService = (
  instanceId: string,
  req: { method: string; path: string; headers: Record<string, string> },
) => Promise<{ status: number; headers: Record<string, string>; body: string }>;

export interface MachineDriver {
  readonly kind: 'real' | 'metadata';

  /**
   * Creates the machine and starts booting it. Resolves once the machine exists (state
   * `pending`); `running` (sshd answers) or `terminated` (boot failed) follows as a state change.
   */
  launch(spec: MachineSpec): Promise<void>;
  /** Boots a stopped machine on the same disk; state `pending`, then `running`. */
  start(id: string, options?: StartOptions): Promise<void>;
  /** Shuts the machine down, keeping its disk, private address and host keys. Resolves when stopped. */
  stop(id: string, options?: { force?: boolean }): Promise<void>;
  /** Stops and boots again; stays `running` for EC2 (the machine itself restarts). */
  reboot(id: string): Promise<void>;
  /**
   * Moves the machine's public address (an Elastic IP associated or disassociated): a running
   * machine stops answering on the old one and answers on the new one; otherwise the address is
   * kept for the next boot. null: no public address.
   */
  setPublicAddress(id: string, address: { host: string; port: number } | null): Promise<void>;
  /** Frees everything (processes, network, disk). Resolves when terminated. */
  terminate(id: string): Promise<void>;
  /** The console text of the latest boot (cloud-init's output, with the SSH host keys). */
  consoleOutput(id: string): Promise<string>;
  /** The current state; undefined for an unknown (or long terminated) id. */
  state(id: string): MachineState | undefined;
  /** Subscribes to state changes; returns an unsubscribe function. */
  onStateChange(listener: StateListener): () => void;
  /**
   * Saves the instance's changes as a new layer on top of its layers (works while running:
   * freeze, copy, thaw). The new image's layers are `[...spec.layers, returned id]`.
   */
  createImage(instanceId: string): Promise<string>;
  /** Deletes a layer made by createImage (DeregisterImage); kept while a machine still uses it. */
  deleteLayer(layerId: string): Promise<void>;
  /**
   * At server start: finds the machines of the previous run again (still running, or stopped
   * cleanly) and removes anything leaked. Call once, before any other method.
   */
  recover(): Promise<RecoveredMachine[]>;
  /** Stops listening and watching; machines keep running (recover() finds them next time). */
  close(): Promise<void>;
}

/** Resolves when the machine reaches one of `states`; rejects after `timeoutMs`. */
export function waitForState(
  driver: MachineDriver,
  id: string,
  states: MachineState[],
  timeoutMs = 120_000,
): Promise<MachineState> {
  return new Promise((resolve, reject) => {
    const now = driver.state(id);
    if (now && states.includes(now)) return resolve(now);
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${id} did not reach ${states.join('/')} (is ${driver.state(id)})`));
    }, timeoutMs);
    const off = driver.onStateChange((c) => {
      if (c.instanceId !== id || !states.includes(c.state)) return;
      clearTimeout(timer);
      off();
      resolve(c.state);
    });
  });
}

/** A small listener set shared by the drivers. */
export class StateEvents {
  private readonly listeners = new Set<StateListener>();

  on(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(change: StateChange): void {
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch {
        // A listener's failure must not break the driver's bookkeeping.
      }
    }
  }
}

export class MachineError extends Error {
  constructor(
    readonly code: 'NotFound' | 'IncorrectState' | 'Unsupported' | 'Failed',
    message: string,
  ) {
    super(message);
    this.name = 'MachineError';
  }
}
