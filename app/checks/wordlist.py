"""Small lists of common words (folded: lower case, no accents) used to split hashtags.

Function words, and the vocabulary of a public employment service's posts: training,
jobs, youth, regions, days. A hashtag is split only when it is made entirely of these
words, so a short list means fewer suggestions, never wrong ones.
"""

from __future__ import annotations

_ES = """
a al ante bajo con contra de del desde durante en entre hacia hasta para por segun sin
sobre tras y e o u ni que como cuando donde quien cual el la los las lo un una unos unas
mi mis tu tus su sus nuestro nuestra nuestros nuestras este esta estos estas ese esa
eso esto aqui ahi alli ya no si mas menos muy mucho mucha muchos muchas todo toda todos
todas otro otra otros otras nuevo nueva nuevos nuevas gran grande grandes buen buena
buenos buenas mejor mejores primer primera segundo segunda ultimo ultima dia dias semana
semanas mes meses ano anos hoy manana ayer ahora siempre nunca vez veces hora horas
empleo empleos trabajo trabajos trabajar formacion formaciones curso cursos cursillo
taller talleres oferta ofertas demanda empresa empresas empresarial emprendimiento
emprende emprender emprendedor emprendedores autonomo autonomos joven jovenes juventud
juvenil mujer mujeres hombre hombres persona personas gente mayor mayores parado parados
desempleo desempleado desempleados desempleadas ocupado ocupados ocupacion orientacion
laboral laborales profesional profesionales profesion oficio oficios practica practicas
beca becas ayuda ayudas subvencion subvenciones plan planes programa programas proyecto
proyectos convocatoria convocatorias plazo plazos inscripcion inscripciones solicitud
solicitudes requisito requisitos feria ferias jornada jornadas evento eventos encuentro
agencia servicio servicios publico publica publicos publicas oficina oficinas sede
electronica digital digitales competencia competencias habilidad habilidades talento
futuro futura region regional comarca comarcal local municipal ciudad pueblo rural
verde verdes sostenible igualdad inclusion diversidad discapacidad derechos contrato
contratos contratacion salario mercado economia social sociales idioma idiomas ingles
valenciano informatica programacion cocina hosteleria turismo comercio industria
industrial agricultura ecologica salud sanidad cuidado cuidados educacion aprendizaje
aprende aprender estudia estudiar busca buscar encuentra encontrar consigue conseguir
mejora mejorar crece crecer abre abierto abierta cierra cierre apertura inicio fin
semana gratis gratuito gratuita online presencial informacion info noticia noticias
aviso avisos tutorial guia pasos vida carrera exito cambio red redes comunidad equipo
dual fp certificado certificados titulo titulos universidad escuela taller
"""

_CA = """
a al als amb de del dels des en entre fins per pel pels sense sobre i o ni que com quan
on qui el la els les lo un una uns unes meu meva teu teva seu seva nostre nostra nostres
aquest aquesta aquests aquestes ja no si mes menys molt molta molts moltes tot tota tots
totes altre altra altres nou nova nous noves gran bo bona millor primer primera darrer
darrera dia dies setmana setmanes mes mesos any anys avui hui dema ahir ara sempre mai
hora hores ocupacio feina treball treballar formacio formacions curs cursos taller
oferta ofertes demanda empresa empreses emprenedoria emprenedor emprenedors autonom
jove joves joventut dona dones home homes persona persones gent atur aturat aturats
orientacio laboral laborals professional professionals ofici oficis practica
practiques beca beques ajuda ajudes subvencio subvencions pla plans programa programes
projecte projectes convocatoria termini inscripcio sollicitud requisits fira fires
jornada jornades agencia servei serveis public publica oficina oficines seu electronica
digital competencies talent futur regio regional comarca comarcal local ciutat poble
rural verd sostenible igualtat inclusio diversitat discapacitat drets contracte salari
mercat economia social idiomes valencia valencians informatica cuina turisme comerc
industria agricultura salut educacio aprenentatge apren aprendre busca trobar millora
obri obert oberta tanca tancament obertura inici fi gratuit gratuita informacio
noticies avis guia passos vida carrera exit canvi xarxa xarxes comunitat equip titol
universitat escola
"""

_EN = """
a an the and or of to in on at for from by with without about into over under up down
out off as is are be it its this that these those our your their my his her new old
big best better good great first last next day days week weeks month months year years
today tomorrow now always job jobs work works working career careers employment
unemployment employer employers training course courses skill skills workshop fair fairs
youth young people women men person apply application applications deadline open opens
closed program programme programs plan plans project projects grant grants help support
service services public office offices online digital future talent region regional
local city rural green equal equality inclusion diversity rights contract market economy
social language languages learn learning study find get improve start end free info
news guide steps life success change network community team apprenticeship internship
internships school university
"""

_WHOLE = """
ella ellas ellos sino porque conque pues aunque ademas tambien mientras alguien valenciana
valenciano valencianos together forget become because anyone someone although without
"""
# Real words that would otherwise split into smaller known ones ("ella" = "el" + "la"):
# the split prefers the longest words, so listing them keeps them whole.

WORDS: frozenset[str] = frozenset((_ES + _CA + _EN + _WHOLE).split())
"""Every known word (folded)."""

SINGLE_LETTER_WORDS = frozenset({"a", "e", "i", "o", "u", "y"})
"""One-letter words allowed inside a split hashtag (conjunctions and "a")."""
