/* bench_modbus_ref_server HOST PORT: the minimal libmodbus reference server of
 * reference/peers.md §1 (one select loop, many clients), holding registers 0x4000..0x670F holding
 * 0..9999. Prints "ready" once listening; stops on SIGTERM/SIGINT. For benchmarks on loopback. */
#include <errno.h>
#include <modbus/modbus.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

enum { kFirstRegister = 0x4000, kRegisters = 10000 };

static volatile sig_atomic_t stop = 0;
static void on_signal(int sig) {
    (void)sig;
    stop = 1;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: bench_modbus_ref_server HOST PORT\n");
        return 2;
    }
    char *end = NULL;
    const long port = strtol(argv[2], &end, 10);
    if (*argv[2] == '\0' || *end != '\0' || port < 1 || port > 65535) {
        fprintf(stderr, "bench_modbus_ref_server: port '%s' is out of range: 1-65535\n", argv[2]);
        return 2;
    }
    /* No SA_RESTART: a signal must wake select() (it also times out every 200 ms). */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    modbus_t *ctx = modbus_new_tcp(argv[1], (int)port);
    if (!ctx) {
        fprintf(stderr, "bench_modbus_ref_server: %s: %s\n", argv[1], modbus_strerror(errno));
        return 1;
    }
    modbus_mapping_t *map = modbus_mapping_new_start_address(0, 0, 0, 0, kFirstRegister, kRegisters, 0, 0);
    if (!map) {
        fprintf(stderr, "bench_modbus_ref_server: register map: %s\n", modbus_strerror(errno));
        return 1;
    }
    for (int i = 0; i < kRegisters; ++i) map->tab_registers[i] = (uint16_t)i;
    const int listener = modbus_tcp_listen(ctx, 64);
    if (listener < 0) {
        fprintf(stderr, "bench_modbus_ref_server: cannot listen on %s:%ld: %s\n", argv[1], port, modbus_strerror(errno));
        return 1;
    }
    printf("ready %s:%ld\n", argv[1], port);
    fflush(stdout);

    fd_set all;
    FD_ZERO(&all);
    FD_SET(listener, &all);
    int maxfd = listener;
    uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
    while (!stop) {
        fd_set readable = all;
        struct timeval tv = {0, 200000};
        if (select(maxfd + 1, &readable, NULL, NULL, &tv) < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "bench_modbus_ref_server: select: %s\n", strerror(errno));
            break;
        }
        for (int fd = 0; fd <= maxfd; ++fd) {
            if (!FD_ISSET(fd, &readable)) continue;
            if (fd == listener) {
                int s = listener;
                const int client = modbus_tcp_accept(ctx, &s);
                if (client >= FD_SETSIZE) {
                    close(client); /* select() cannot watch it */
                } else if (client >= 0) {
                    FD_SET(client, &all);
                    if (client > maxfd) maxfd = client;
                }
            } else {
                modbus_set_socket(ctx, fd);
                const int rc = modbus_receive(ctx, query);
                if (rc > 0) {
                    modbus_reply(ctx, query, rc, map);
                } else if (rc == -1) { /* the client closed, or sent garbage */
                    close(fd);
                    FD_CLR(fd, &all);
                }
            }
        }
    }
    for (int fd = 0; fd <= maxfd; ++fd)
        if (FD_ISSET(fd, &all)) close(fd);
    modbus_mapping_free(map);
    modbus_free(ctx);
    return 0;
}
