# What `cmake --install` puts where (the layout the Debian packages ship, debian/*.install):
#   /usr/sbin           the daemons: hacored, drbdlited, smtpd, pop3d, imapd, dnsd, httpd (man section 8)
#   /usr/bin            the operators' CLIs: hactl, drbdlite, mailsvc-admin, mailsvc-queue, mailsvc-trace (section 1)
#   /usr/lib/ocf        the OCF agents (provider hamail) and the shell code they share
#   /etc/hamail         the commented example configurations (conffiles in the packages)
#   HAMAIL_SYSTEMD_UNIT_DIR   the systemd units (conf/systemd)
#   /usr/share/doc/hamail     README.md and the component READMEs
#   /usr/share/hamail/webmail webmail's UI (static files for httpd)
# Man pages are made by help2man from each program's --help and --version, so a man page
# cannot drift from the help the program prints: the help text is the one source.
include(GNUInstallDirs)

find_program(HAMAIL_HELP2MAN help2man)
if(NOT HAMAIL_HELP2MAN)
  message(FATAL_ERROR "help2man not found (Debian package help2man; scripts/setup installs it): "
                      "it makes the man pages from each program's --help")
endif()

# Debian 12 keeps units in /lib/systemd/system (systemd.pc's systemdsystemunitdir).
pkg_get_variable(_systemd_unit_dir systemd systemdsystemunitdir)
if(NOT _systemd_unit_dir)
  set(_systemd_unit_dir /lib/systemd/system)
endif()
set(HAMAIL_SYSTEMD_UNIT_DIR ${_systemd_unit_dir} CACHE PATH "where the systemd units are installed")

set(_man_dir ${PROJECT_BINARY_DIR}/man)
set(_man_pages)

# One installed program: the binary in DEST, its man page in SECTION described by NAME_LINE.
function(hamail_install_program target dest section name_line)
  install(TARGETS ${target} RUNTIME DESTINATION ${dest})
  set(page ${_man_dir}/${target}.${section})
  add_custom_command(OUTPUT ${page}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_man_dir}
    COMMAND ${HAMAIL_HELP2MAN} --no-info --section=${section} --name=${name_line}
            --include=${PROJECT_SOURCE_DIR}/packaging/man/see-also.h2m --output=${page} $<TARGET_FILE:${target}>
    DEPENDS ${target} ${PROJECT_SOURCE_DIR}/packaging/man/see-also.h2m
    COMMENT "help2man ${target}.${section}" VERBATIM)
  install(FILES ${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  set(_man_pages ${_man_pages} ${page} PARENT_SCOPE)
endfunction()

hamail_install_program(hacored ${CMAKE_INSTALL_SBINDIR} 8 "the hamail cluster manager daemon")
hamail_install_program(drbdlited ${CMAKE_INSTALL_SBINDIR} 8 "the drbd-lite replicated block device daemon")
hamail_install_program(smtpd ${CMAKE_INSTALL_SBINDIR} 8 "the hamail SMTP server with its queue and delivery")
hamail_install_program(pop3d ${CMAKE_INSTALL_SBINDIR} 8 "the hamail POP3 server")
hamail_install_program(imapd ${CMAKE_INSTALL_SBINDIR} 8 "the hamail IMAP server")
hamail_install_program(dnsd ${CMAKE_INSTALL_SBINDIR} 8 "the hamail authoritative DNS server")
hamail_install_program(httpd ${CMAKE_INSTALL_SBINDIR} 8 "the hamail static-file HTTP server")
hamail_install_program(hactl ${CMAKE_INSTALL_BINDIR} 1 "control and inspect the hamail cluster")
hamail_install_program(drbdlite ${CMAKE_INSTALL_BINDIR} 1 "control and inspect drbd-lite volumes")
hamail_install_program(mailsvc-admin ${CMAKE_INSTALL_BINDIR} 1 "manage hamail mail users, aliases and domains")
hamail_install_program(mailsvc-queue ${CMAKE_INSTALL_BINDIR} 1 "list and delete messages in the hamail SMTP queue")
hamail_install_program(mailsvc-trace ${CMAKE_INSTALL_BINDIR} 1 "follow mail through the hamail mail daemons' logs")
add_custom_target(man_pages ALL DEPENDS ${_man_pages})

# Destinations are relative to the prefix (`cmake --install BUILD --prefix /usr` works on any
# build tree), except two that the programs and systemd name absolutely: /etc/hamail (every
# program's default configuration) and systemd's unit directory.
# OCF agents: PREFIX/lib/ocf whatever the libdir (Debian's resource-agents and pacemaker use it).
set(_ocf lib/ocf)
install(TARGETS ocf-hamail-vip RUNTIME DESTINATION ${_ocf}/resource.d/hamail)
install(PROGRAMS resource-agents/volume/volume resource-agents/filesystem/filesystem
                 resource-agents/mailsvc/mailsvc
        DESTINATION ${_ocf}/resource.d/hamail)
install(FILES resource-agents/lib/io_probe.sh DESTINATION ${_ocf}/lib/hamail)

# Example configurations, commented: the admin edits them in place.
install(FILES conf/cluster.yaml conf/mail/smtpd.yaml conf/mail/pop3d.yaml conf/mail/imapd.yaml conf/mail/dnsd.yaml
              conf/mail/httpd.yaml conf/mail/trace.yaml
        DESTINATION /etc/hamail)
install(FILES conf/dns/example.org.zone conf/dns/2.0.192.in-addr.arpa.zone DESTINATION /etc/hamail/dns)

install(FILES conf/systemd/hacored.service conf/systemd/drbdlited.service conf/systemd/hamail-smtpd.service
              conf/systemd/hamail-pop3d.service conf/systemd/hamail-imapd.service
              conf/systemd/hamail-dnsd.service conf/systemd/hamail-httpd.service
        DESTINATION ${HAMAIL_SYSTEMD_UNIT_DIR})

# webmail's UI (mailsvc/webmail/www): httpd's document root, or copied into it.
install(FILES mailsvc/webmail/www/index.html mailsvc/webmail/www/app.css mailsvc/webmail/www/app.js
              mailsvc/webmail/www/compose.js mailsvc/webmail/www/compose.css
        DESTINATION ${CMAKE_INSTALL_DATADIR}/hamail/webmail)
# The cluster dashboard's page (mailsvc/dashboard/www), served as /dashboard/ beside webmail's UI.
install(FILES mailsvc/dashboard/www/index.html mailsvc/dashboard/www/dashboard.css mailsvc/dashboard/www/dashboard.js
        DESTINATION ${CMAKE_INSTALL_DATADIR}/hamail/webmail/dashboard)
# The mail trace page (mailsvc/trace/web/www): served under /trace/ (the document root's trace/).
install(FILES mailsvc/trace/web/www/index.html mailsvc/trace/web/www/trace.css mailsvc/trace/web/www/trace.js
        DESTINATION ${CMAKE_INSTALL_DATADIR}/hamail/webmail/trace)

install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
foreach(component ha-core drbd-lite mailsvc resource-agents)
  install(FILES ${component}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME README.${component}.md)
endforeach()
