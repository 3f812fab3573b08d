/* bench_modbus_ref_server HOST PORT: the minimal libmodbus reference server of
 * reference/peers.md §1 (select loop, many clients), holding registers 0x4000.. = 0..9999.
 * Prints "ready" when listening; stops on SIGTERM/SIGINT. */
#include <errno.h>
#include <modbus/modbus.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/select.h>
#include <unistd.h>

static volatile sig_atomic_t stop = 0;
static void on_signal(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: bench_modbus_ref_server HOST PORT\n");
        return 2;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    modbus_t *ctx = modbus_new_tcp(argv[1], atoi(argv[2]));
    modbus_mapping_t *map = modbus_mapping_new_start_address(0, 0, 0, 0, 0x4000, 10000, 0, 0);
    if (!ctx || !map) return 1;
    for (int i = 0; i < 10000; ++i) map->tab_registers[i] = (uint16_t)i;
    int listener = modbus_tcp_listen(ctx, 64);
    if (listener < 0) {
        fprintf(stderr, "listen: %s\n", modbus_strerror(errno));
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    fd_set all;
    FD_ZERO(&all);
    FD_SET(listener, &all);
    int maxfd = listener;
    uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
    while (!stop) {
        fd_set rd = all;
        struct timeval tv = {0, 200000};
        if (select(maxfd + 1, &rd, NULL, NULL, &tv) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int fd = 0; fd <= maxfd; ++fd) {
            if (!FD_ISSET(fd, &rd)) continue;
            if (fd == listener) {
                int s = listener;
                int c = modbus_tcp_accept(ctx, &s);
                if (c >= 0) {
                    FD_SET(c, &all);
                    if (c > maxfd) maxfd = c;
                }
            } else {
                modbus_set_socket(ctx, fd);
                int rc = modbus_receive(ctx, query);
                if (rc > 0) {
                    modbus_reply(ctx, query, rc, map);
                } else if (rc == -1) {
                    close(fd);
                    FD_CLR(fd, &all);
                }
            }
        }
    }
    close(listener);
    modbus_mapping_free(map);
    modbus_free(ctx);
    return 0;
}
